FROM busybox
ENV PATH=/bin
