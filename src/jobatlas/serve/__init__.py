"""``jobatlas serve``: the ranking, the postings and the normalisers over HTTP (docs/serve.md).

An ASGI app (FastAPI) over a store opened read-only; ``app.create_app`` builds it. It needs
the ``serve`` extra: ``pip install 'jobatlas[serve]'``.
"""
