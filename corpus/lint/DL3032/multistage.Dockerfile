FROM centos:7 AS build
RUN yum install -y gcc-4.8.5 && echo built > /out

FROM centos:7
COPY --from=build /out /out
