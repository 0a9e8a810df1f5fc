FROM php:8.3-fpm
COPY --from=composer:2.7 /usr/bin/composer /usr/bin/composer
COPY . /app
RUN composer install --no-dev --no-cache
RUN composer require monolog/monolog:3.5.0 && composer clear-cache
RUN COMPOSER_CACHE_DIR=/dev/null composer update --no-dev
RUN composer dump-autoload
