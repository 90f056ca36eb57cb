"""councilwatch.nlp"""
