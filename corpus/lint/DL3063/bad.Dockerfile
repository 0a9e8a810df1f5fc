FROM alpine:3.19 AS scratch
RUN echo build > /out

FROM alpine:3.19 AS Context
COPY --from=scratch /out /out
