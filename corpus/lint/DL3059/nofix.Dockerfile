FROM debian:12
RUN echo a # a shell comment
RUN echo b
RUN ["echo", "c"]
RUN echo d;
RUN echo e
