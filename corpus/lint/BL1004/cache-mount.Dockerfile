# syntax=docker/dockerfile:1
FROM php:8.3-fpm
COPY --from=composer:2.7 /usr/bin/composer /usr/bin/composer
COPY . /app
RUN --mount=type=cache,target=/root/.cache/composer composer install --no-dev
