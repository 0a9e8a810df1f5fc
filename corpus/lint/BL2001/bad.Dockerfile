FROM debian:12-slim
RUN curl -fsSL https://get.example.com/install.sh | sh
RUN wget -qO- https://example.com/setup | sudo bash -s -- --yes
RUN sh -c "$(curl -fsSL https://example.com/install.sh)"
RUN bash <(curl -fsSL https://example.com/install.sh)
RUN wget -qO- https://example.com/setup | /usr/bin/doas /bin/sh -s
