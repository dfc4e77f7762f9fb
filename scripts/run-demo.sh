#!/bin/sh
# make run: start a demo custos on the embedded default (SQLite).
echo "custos: the server is not built yet" >&2
exit 1
