FROM ruby:3.3-slim
RUN gem install bundler:2.5.3 rails:7.1.2 && rm -rf /usr/local/bundle/cache
RUN gem install bundler -v 2.5.3 && gem install --version=1.15.5 nokogiri \
    && rm -rf /usr/local/bundle/cache
RUN gem install ./vendor/my-gem-1.0.gem && rm -rf /usr/local/bundle/cache
