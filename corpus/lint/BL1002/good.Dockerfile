FROM ruby:3.3-slim
RUN gem install bundler:2.5.3 && rm -rf /usr/local/bundle/cache/*.gem
COPY Gemfile Gemfile.lock ./
RUN bundle install && rm -rf "$(gem env gemdir)"/cache ~/.bundle/cache
RUN bundle exec rake assets:precompile
