FROM opensuse/leap:15.5
RUN zypper --non-interactive install httpd=2.4.51
RUN zypper clean && zypper -n in curl=8.0.1
