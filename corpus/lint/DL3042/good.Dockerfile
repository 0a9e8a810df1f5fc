FROM python:3.12-slim
RUN pip install --no-cache-dir flask==3.0.0
RUN PIP_NO_CACHE_DIR=1 pip install gunicorn==21.2.0
RUN pip install -r requirements.txt && rm -rf /root/.cache/pip
RUN pip install uvicorn==0.27.0 && pip cache purge
