FROM ruby:3.3-bookworm AS rb
FROM php:8.3-fpm AS php
FROM debian:bookworm AS deb
FROM debian:bookworm
COPY --from=rb / /
