FROM centos:7
RUN yum install -y httpd-2.4.6 && yum clean all
RUN yum install -y nginx-1.20.1 && rm -rf /var/cache/yum
