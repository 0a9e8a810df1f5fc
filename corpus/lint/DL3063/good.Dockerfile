FROM alpine:3.19 AS scratch-builder
RUN echo build > /out

FROM scratch
COPY --from=scratch-builder /out /out
