FROM ruby:3.3-slim
RUN gem install bundler:2.5.3
COPY Gemfile Gemfile.lock ./
RUN bundle install
