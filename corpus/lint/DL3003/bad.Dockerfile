FROM debian:12
RUN cd /usr/src/app && make
RUN git clone https://example.com/x.git && cd x && make && cd .. && rm -rf x
