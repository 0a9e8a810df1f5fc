FROM python:3.12-slim
RUN pip install flask==3.0.0
RUN python3 -m pip install --upgrade pip==24.0 \
    && pip3 install -r requirements.txt
