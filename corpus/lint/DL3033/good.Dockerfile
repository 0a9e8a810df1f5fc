FROM centos:7
RUN yum install -y httpd-2.4.6-99.el7 nginx-1.20.1 /tmp/local.rpm @development && yum clean all
RUN yum module install -y nodejs:18 && yum clean all
