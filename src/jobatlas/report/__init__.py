"""Reports built from one ranking dict: the terminal table, article.md, ranking.json/.csv."""
