FROM opensuse/leap:15.5 AS build
RUN zypper -n install gcc=7 && echo built > /out

FROM opensuse/leap:15.5
COPY --from=build /out /out
