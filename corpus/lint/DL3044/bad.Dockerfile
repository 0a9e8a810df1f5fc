FROM debian:12
ENV JAVA_HOME=/opt/java PATH=$JAVA_HOME/bin:$PATH
ENV A=1 B="${A}-x" C=$A
