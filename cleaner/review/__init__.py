"""``cleaner review``: the repairs reviewed in a browser, for editors who do not live in a terminal.

``state`` holds one file's review (decisions, undo, save through the one write path), ``view`` what the
page is sent, ``app`` the web application and its guards, ``server`` loading and serving; the page
itself (plain HTML, CSS and JavaScript, no build step, nothing fetched from elsewhere) is in ``static/``.
"""
