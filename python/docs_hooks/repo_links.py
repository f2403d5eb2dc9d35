"""MkDocs hook: a docs page may link a repository file outside docs/ (a data file, a benchmark
result), which GitHub shows but the site does not contain. Such a link must name a file that
exists in the repository (else the strict build fails, as for any broken link); on the site it
becomes the file's path in the repository, as text."""

import logging
import os
import re

log = logging.getLogger("mkdocs.hooks.repo_links")
LINK = re.compile(r"\[([^\]]+)\]\(((?:\.\./)+[^)#\s]+)(#[^)\s]*)?\)")


def on_page_markdown(markdown, page, config, files):
    docs = os.path.abspath(config["docs_dir"])
    repo = os.path.dirname(docs)
    here = os.path.dirname(os.path.join(docs, page.file.src_path))

    def rewrite(m):
        target = os.path.normpath(os.path.join(here, m.group(2)))
        if target.startswith(docs + os.sep):
            return m.group(0)  # inside the site: MkDocs validates it
        if not target.startswith(repo + os.sep) or not os.path.exists(target):
            log.warning("Doc file '%s' links '%s', which is not in the repository",
                        page.file.src_path, m.group(2))
            return m.group(0)
        path = os.path.relpath(target, repo)
        text = m.group(1)
        return text if text.strip("`") == path else f"{text} (`{path}` in the repository)"

    return LINK.sub(rewrite, markdown)
