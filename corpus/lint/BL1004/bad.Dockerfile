FROM php:8.3-fpm
COPY --from=composer:2.7 /usr/bin/composer /usr/bin/composer
COPY . /app
RUN composer install --no-dev --optimize-autoloader
