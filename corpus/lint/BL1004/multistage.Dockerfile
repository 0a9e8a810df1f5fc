FROM composer:2.7 AS vendor
COPY composer.json composer.lock ./
RUN composer install --no-dev

FROM php:8.3-fpm
COPY --from=vendor /app/vendor /app/vendor
