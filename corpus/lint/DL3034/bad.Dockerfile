FROM opensuse/leap:15.5
RUN zypper install httpd=2.4.51 && zypper clean
RUN zypper rm vim
