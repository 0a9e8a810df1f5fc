FROM centos:7
RUN yum install -y httpd python3-devel nginx-1.20.1 && yum clean all
RUN yum module install -y nodejs && yum clean all
