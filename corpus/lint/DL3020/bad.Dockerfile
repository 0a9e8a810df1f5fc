FROM debian:12
ADD config.json /etc/app/
add --chown=app:app src/ /app/src/
ADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d local.bin /x
ADD https://example.com/a.tar.gz notes.txt /tmp/
ADD ${SRC} /app/
ADD ${URL} notes.txt /app/
ADD <<EOF /etc/motd
hello
EOF
ADD blob.bin notes.txt /opt/
