FROM fedora:39 AS build
RUN dnf install -y gcc-13.2.1 && echo built > /out

FROM fedora:39
COPY --from=build /out /out
