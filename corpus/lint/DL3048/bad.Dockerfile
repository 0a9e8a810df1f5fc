FROM debian:12
LABEL Version="1.0" \
      com.example_team="platform" \
      com.docker.thing="x" \
      org..example.key="y" \
      com.example.ok-key.="z"
