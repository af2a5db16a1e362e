"""Knowledge exchange (ITU Resolution 73's portal): case studies and best practices, the forum,
the search across them, all written by members and therefore untrusted.

What members write is Markdown, rendered by :mod:`ictfootprint.portal.markdown` (markdown-it-py,
then sanitised by nh3): raw HTML is never passed through, links are limited to http(s) and mailto,
and no element that loads anything (images, frames, media, styles) survives.
"""
