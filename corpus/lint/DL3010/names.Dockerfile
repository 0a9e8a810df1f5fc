FROM debian:12
COPY ["dist/x.tbz2", "y.tar.zst", "notes.txt", "a.t", "/tmp/"]
RUN tar -xjf /tmp/x.tbz2 && tar --zstd -xf /tmp/y.tar.zst && cat /tmp/notes.txt /tmp/a.t
COPY a.b.tgz /tmp/a.b.tgz
RUN zcat /tmp/a.b.tgz > /tmp/a.tar
COPY .tar /tmp/
RUN tar -xf /tmp/.tar
