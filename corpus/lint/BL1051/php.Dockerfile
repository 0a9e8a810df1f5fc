FROM php:8.3-apache AS legacy
FROM php:8.3-fpm
