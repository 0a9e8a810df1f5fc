FROM debian:12-slim
RUN curl -fsSLo /tmp/install.sh https://get.example.com/install.sh \
 && echo "3b1f0000  /tmp/install.sh" | sha256sum -c - \
 && sh /tmp/install.sh
RUN curl -fsSL https://example.com/key.asc | gpg --dearmor -o /usr/share/keyrings/example.gpg
RUN curl -fsSL https://example.com/a.sh.asc -o a.asc && curl -fsSL https://example.com/a.sh | tee a.sh >/dev/null && gpg --verify a.asc a.sh && bash a.sh
RUN echo 'echo hi' | sh
RUN curl -fsSL https://example.com/key.asc | sudo tee /etc/apt/keyrings/example.asc && echo ok | bash
