FROM python:3.12 AS build
RUN pip wheel -w /wheels -r requirements.txt

FROM python:3.12-slim-bookworm
COPY --from=build /wheels /wheels
