"""councilwatch.extraction: page extraction as pure functions (HTML bytes + URL -> Article)."""
