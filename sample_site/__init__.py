"""councilwatch.sample_site"""
