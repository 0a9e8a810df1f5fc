FROM python:3.12-slim
RUN pip install --no-cache-dir flask==3.0.0 "requests>=2.31,<3" gunicorn~=21.2
RUN pip install --no-cache-dir -r requirements.txt
RUN pip install --no-cache-dir . ./libs/util dist/app-1.0-py3-none-any.whl
RUN pip install --no-cache-dir -c constraints.txt flask
RUN pip install --no-cache-dir git+https://github.com/psf/black@23.1.0 "$EXTRA_PACKAGES"
RUN pipx install black
