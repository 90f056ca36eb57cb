"""councilwatch.db"""
