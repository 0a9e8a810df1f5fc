FROM debian:12-slim
RUN chmod 1777 /tmp/shared
RUN chmod 755 /app && chmod -R u+rwX,go+rX /srv
RUN chmod a+rwxt /scratch
RUN chmod +x /usr/local/bin/entrypoint.sh && chmod 775 /data
RUN tempDir="$(mktemp -d)" && chmod 777 "$tempDir" && cd "$tempDir" && make && rm -rf "$tempDir"
