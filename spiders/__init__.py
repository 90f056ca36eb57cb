"""councilwatch.spiders"""
