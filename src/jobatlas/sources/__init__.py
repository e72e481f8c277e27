"""Where postings come from: files (``files``, ``schemas``) and live job sources.

Live sources share one protocol (``base``), a registry (``registry``), one HTTP client
(``http``) and one pagination module (``paging``); ``jobatlas.collect``, a floor above
the store, runs them board by board.
"""
