"""councilwatch.pipeline"""
