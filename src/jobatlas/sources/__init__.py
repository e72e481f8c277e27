"""Where postings come from: files (``files``, ``schemas``) and live job sources.

Live sources share one protocol and registry (``base``), one HTTP client (``http``)
and one pagination module (``paging``); ``collect`` runs them board by board.
"""
