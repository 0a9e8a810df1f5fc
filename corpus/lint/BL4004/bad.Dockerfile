FROM debian:12 as build
from debian:12 AS test
