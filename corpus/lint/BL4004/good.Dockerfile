FROM debian:12 AS build
from debian:12 as test
# A mixed-case FROM has no casing to match (BL4001 reports it).
From debian:12 AS other
