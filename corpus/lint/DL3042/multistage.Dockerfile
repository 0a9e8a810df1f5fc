FROM python:3.12-slim AS build
RUN pip wheel --wheel-dir /wheels flask==3.0.0 && pip install flask==3.0.0

FROM python:3.12-slim
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir --no-index --find-links /wheels flask==3.0.0
