FROM alpine:3.19
RUN apk add --no-cache \

    curl \
    
    jq
RUN echo one \
  # a comment line is not empty
  && echo two
