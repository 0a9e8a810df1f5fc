FROM ruby:3.3-slim
RUN gem install bundler rails:7.1.2 && rm -rf /usr/local/bundle/cache
