FROM centos:7
RUN yum install -y httpd-2.4.6
RUN yum clean all && yum install -y nginx-1.20.1
