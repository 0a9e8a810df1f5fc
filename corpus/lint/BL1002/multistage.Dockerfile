FROM ruby:3.3 AS build
COPY Gemfile Gemfile.lock ./
RUN bundle install

FROM ruby:3.3-slim
COPY --from=build /usr/local/bundle/gems /usr/local/bundle/gems
