# The node image sets NODE_VERSION and YARN_VERSION; a linter cannot know, so names that are
# not this file's are not reported for such a base...
FROM node:20
LABEL node="$NODE_VERSION"
WORKDIR $HOME/app
# ...nor appends to a variable the base image may set...
ENV LD_LIBRARY_PATH=/opt/lib:$LD_LIBRARY_PATH
# ...nor names two edits away from one in scope (GOPATH is not a typo of PATH).
WORKDIR $GOPATH/src
# ...but a variable this file sets only later is, and so is a one-letter slip.
COPY config-$APP_ENV.json ./
ENV APP_ENV=production
WORKDIR /srv/$APP_EVN
