FROM alpine:3.19 AS build
RUN apk add build-base=0.5-r3 && echo built > /out

FROM alpine:3.19
COPY --from=build /out /out
